// Runs once when the server starts: open the database (migrating the embedded
// one), and generate the shared secrets, so a misconfiguration fails loudly now.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startup } = await import("./lib/startup");
  await startup();
}
