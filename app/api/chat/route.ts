import { chatTurn } from "@/lib/chat/turn-response";
import { readJson } from "@/lib/http/body";
import { handle } from "@/lib/http/respond";
import { chatRequestSchema } from "./schema";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const body = await readJson(request, chatRequestSchema, "chat");
    return chatTurn(request, body);
  });
}

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
