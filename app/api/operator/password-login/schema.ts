import { z } from "zod";

export const passwordLoginSchema = z
  .object({
    email: z.email("email must be an email address").max(320),
    password: z.string().min(1, "password is required").max(500),
  })
  .strict();
