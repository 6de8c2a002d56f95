"use client";

import { useState } from "react";
import { primaryButton } from "./ui";

// What the two operator login forms share (LoginForm: admin token, PasswordLoginForm: Supabase Auth):
// posting the credentials, going on to `next`, and the error and submit button below the fields.

export type SignInStatus = "idle" | "busy" | "error";

/** Posts `credentials` to `url`; on success goes to `next`, else keeps the server's message. */
export function useSignIn(url: string, next: string, messageFor: (status: number, serverMessage?: string) => string, initial: SignInStatus = "idle") {
  const [status, setStatus] = useState<SignInStatus>(initial);
  const [message, setMessage] = useState("");

  async function signIn(credentials: Record<string, string>) {
    setStatus("busy");
    try {
      const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(credentials) });
      if (res.ok) {
        window.location.replace(next);
        return;
      }
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      setMessage(messageFor(res.status, body?.error?.message));
    } catch {
      setMessage("The server cannot be reached. Try again.");
    }
    setStatus("error");
  }

  return { status, message, signIn };
}

/** The error (when the last try failed) and the submit button; test ids start with `testId`. */
export function SignInFooter({ status, message, testId }: { status: SignInStatus; message: string; testId: string }) {
  return (
    <>
      {status === "error" && (
        <p role="alert" data-testid={`${testId}-error`} className="text-sm text-rose-700 dark:text-rose-300">
          {message}
        </p>
      )}
      <button type="submit" disabled={status === "busy"} data-testid={`${testId}-submit`} className={`${primaryButton} w-full`}>
        {status === "busy" ? "Signing in…" : "Sign in"}
      </button>
    </>
  );
}
