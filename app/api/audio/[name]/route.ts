import { database } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { handle } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { mayHearAudio } from "@/lib/voice/access";
import { voiceConfig } from "@/lib/voice/config";
import { audioName, audioStore } from "@/lib/voice/store";

// A stored recording or spoken reply by its random name (lib/voice/store.ts), for the visitor
// who owns it and operators (lib/voice/access.ts).

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ name: string }> }): Promise<Response> {
  return handle(async () => {
    const { name } = await context.params;
    const allowed = audioName.test(name) && (await mayHearAudio(request, await database(), name));
    const audio = allowed ? await audioStore(voiceConfig()).get(name) : null;
    if (!audio) throw new AppError("not_found:audio", "No such recording.");
    return new Response(Buffer.from(audio.bytes), { headers: { "Content-Type": audio.mimeType, "Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff" } });
  });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
