"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { button } from "./ui";

export function LogoutButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  async function logout() {
    setBusy(true);
    await fetch("/api/operator/logout", { method: "POST" }).catch(() => undefined);
    router.replace("/login");
    router.refresh();
  }
  return (
    <button type="button" onClick={logout} disabled={busy} data-testid="logout" className={button}>
      Log out
    </button>
  );
}
