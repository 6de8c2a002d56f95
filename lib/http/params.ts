import { z } from "zod";
import { AppError } from "../errors";

// Path parameters: a session id that is not a uuid is simply not found.
export function sessionIdParam(id: string): string {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found:session", "No such session.");
  return id;
}

// A message id that is not a uuid is not found either.
export function messageIdParam(id: string): string {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found:message", "No such message.");
  return id;
}
