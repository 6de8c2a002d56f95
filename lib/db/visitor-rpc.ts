import { AppError, type ErrorCode } from "../errors";
import type { RpcArgsOf, RpcName, RpcResultOf } from "./registry";
import type { Database } from "./types";

// A call on a visitor's own rows (history, end, feedback, votes): SQL checks ownership by p_user_id
// and answers 404 for another visitor's; a request without a visitor gets that same 404 here.

export async function visitorRpc<N extends RpcName>(
  db: Database,
  visitorId: string | null,
  notFound: { code: ErrorCode; message: string },
  fn: N,
  args: Omit<RpcArgsOf<N>, "p_user_id">,
): Promise<RpcResultOf<N>> {
  if (!visitorId) throw new AppError(notFound.code, notFound.message);
  const call = db.rpc as (fn: N, args: RpcArgsOf<N>) => Promise<RpcResultOf<N>>;
  return call(fn, { ...args, p_user_id: visitorId } as RpcArgsOf<N>);
}
