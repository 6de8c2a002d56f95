import type { Database } from "../db/types";
import { knownVisitor } from "../http/visitor";
import { isOperator } from "../operators/auth";
import { audioUrl } from "./store";

// Who may hear a stored recording or spoken reply (docs/channels.md, "Who may hear the audio"):
// an operator, or the visitor (signed cookie) whose message carries it. Anyone else gets the
// same 404 as for a name that does not exist.
export async function mayHearAudio(request: Request, db: Database, name: string): Promise<boolean> {
  const visitor = await knownVisitor(request, db);
  if (visitor && (await db.rpc("audio_owned_by", { p_audio_url: audioUrl(name), p_user_id: visitor })).owned) return true;
  return isOperator(request, db);
}
