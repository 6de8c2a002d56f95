import { z } from "zod";
import { blank, fromBeforeTo, fromBeforeToIssue, queryTime } from "../http/query";

// The dashboard's query string (GET /api/dashboard): a time range and the two compared A/B variants (experiment_names).
const experiment = z.preprocess(blank, z.string().trim().max(200, "must be at most 200 characters").optional());

export const dashboardQuerySchema = z
  .object({ from: queryTime, to: queryTime, a: experiment, b: experiment })
  .refine(fromBeforeTo, fromBeforeToIssue);

export type DashboardQuery = z.infer<typeof dashboardQuerySchema>;
