import { otherMethods } from "@/lib/http/methods";
import { publicRoute, visitorRoute } from "@/lib/http/route";
import { voiceStatus, voiceTurn } from "@/lib/voice/web";

// GET: whether voice messages are on (the widget shows its microphone only then).
// POST: a recorded voice message as a chat turn (README "Voice": types and size limit).

export const dynamic = "force-dynamic";

export const GET = publicRoute({ handler: async () => voiceStatus() });

export const POST = visitorRoute({ handler: async ({ request, db }) => voiceTurn(db, request) });

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
