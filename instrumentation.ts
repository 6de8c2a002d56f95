// Runs once when the server starts: stamp each request with its socket address
// (lib/request/peer-address.ts), open the database (migrating the embedded one), and
// generate the shared secrets, so a misconfiguration fails loudly now.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { stampPeerAddress } = await import("./lib/request/peer-address");
  stampPeerAddress();
  const { startup } = await import("./lib/startup");
  await startup();
}
