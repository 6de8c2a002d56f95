import { otherMethods } from "@/lib/http/methods";
import { publicRoute } from "@/lib/http/route";
import { audioNameParam, audioResponse } from "@/lib/voice/web";

// A stored recording or spoken reply by its random name (lib/voice/store.ts), for the visitor
// who owns it and operators (lib/voice/access.ts).

export const dynamic = "force-dynamic";

export const GET = publicRoute({
  params: { name: audioNameParam },
  handler: async ({ request, params, openDatabase }) => audioResponse(request, await openDatabase(), params.name),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
