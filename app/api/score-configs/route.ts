import { otherMethods } from "@/lib/http/methods";
import { operatorRoute } from "@/lib/http/route";
import { createScoreConfig, scoreConfigs } from "@/lib/scores/scores";
import { scoreConfigBodySchema } from "@/lib/scores/wire";

export const dynamic = "force-dynamic";

export const GET = operatorRoute({
  surface: "score_config",
  handler: async ({ db }) => scoreConfigs(db),
});

export const POST = operatorRoute({
  surface: "score_config",
  body: scoreConfigBodySchema,
  maxBytes: 8 * 1024,
  handler: async ({ db, body }) => Response.json(await createScoreConfig(db, body), { status: 201 }),
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
