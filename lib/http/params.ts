import { z } from "zod";
import type { ErrorCode } from "../errors";

// Path parameters (lib/http/route.ts parses them): a value that cannot name the thing is
// simply not found (404), never a 400 that would tell a guessed id from a malformed one.

export interface PathParam<T = string> {
  schema: z.ZodType<T>;
  notFound: ErrorCode & `not_found:${string}`;
  message: string;
}

export function pathParam<T>(schema: z.ZodType<T>, notFound: ErrorCode & `not_found:${string}`, message: string): PathParam<T> {
  return { schema, notFound, message };
}

export const sessionIdParam = pathParam(z.uuid(), "not_found:session", "No such session.");
export const messageIdParam = pathParam(z.uuid(), "not_found:message", "No such message.");
export const traceIdParam = pathParam(z.uuid(), "not_found:trace", "No such trace.");
/** A visitor id as the widget and channels store it (any printable text up to 128 characters). */
export const visitorIdParam = pathParam(z.string().min(1).max(128).regex(/^[^\u0000-\u001f]+$/), "not_found:visitor", "Nothing is stored about this visitor.");
/** An agent's key (`agents.key`) and one of its saved versions (the Agents API). */
export const agentKeyParam = pathParam(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), "not_found:agent", "No such agent.");
export const agentVersionParam = pathParam(z.string().regex(/^[1-9][0-9]{0,8}$/).transform(Number), "not_found:agent", "No such agent version.");
/** A review queue and one of its items (the review queues API). */
export const reviewQueueIdParam = pathParam(z.uuid(), "not_found:review_queue", "No such review queue.");
export const reviewItemIdParam = pathParam(z.uuid(), "not_found:review_item", "No such item in this queue.");
/** An evaluator (the evaluators API). */
export const evaluatorIdParam = pathParam(z.uuid(), "not_found:evaluator", "No such evaluator.");
/** A dataset's name, an item of a dataset, an experiment (the datasets and experiments API). */
export const datasetNameParam = pathParam(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/), "not_found:dataset", "No such dataset.");
export const datasetItemIdParam = pathParam(z.uuid(), "not_found:dataset", "No such dataset item.");
export const experimentIdParam = pathParam(z.uuid(), "not_found:experiment", "No such experiment.");
