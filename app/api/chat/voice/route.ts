import { handle } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { mutation } from "@/lib/http/same-origin";
import { voiceStatus, voiceTurn } from "@/lib/voice/web";

// GET: whether voice messages are on (the widget shows its microphone only then).
// POST: a recorded voice message as a chat turn (README "Voice": types and size limit).

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return handle(async () => voiceStatus());
}

export async function POST(request: Request): Promise<Response> {
  return mutation(request, () => voiceTurn(request), { embed: true });
}

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
