import { after } from "next/server";
import { receiveDelivery, verifyHandshake } from "@/lib/channels/whatsapp/webhook-route";
import { handle } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";

// The WhatsApp Cloud API webhook (README "WhatsApp"). Not a browser route: Meta's signature
// authenticates each delivery instead of the same-origin check (lib/http/same-origin.ts).

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(async () => verifyHandshake(request));
}

export async function POST(request: Request): Promise<Response> {
  return handle(async () => receiveDelivery(request, after));
}

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
