"use client";

import { useRouter } from "next/navigation";
import { useState, useSyncExternalStore } from "react";
import { button } from "./ui";

const noSubscribe = () => () => {};

export function LogoutButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  // enabled once hydrated: a click before then would do nothing (and a test's click waits for it)
  const ready = useSyncExternalStore(noSubscribe, () => true, () => false);
  async function logout() {
    setBusy(true);
    await fetch("/api/operator/logout", { method: "POST" }).catch(() => undefined);
    router.replace("/login");
    router.refresh();
  }
  return (
    <button type="button" onClick={logout} disabled={!ready || busy} data-testid="logout" className={button}>
      Log out
    </button>
  );
}
