import { after } from "next/server";
import { receiveDelivery, verifyHandshake } from "@/lib/channels/whatsapp/webhook-route";
import { otherMethods } from "@/lib/http/methods";
import { publicRoute } from "@/lib/http/route";

// The WhatsApp Cloud API webhook (README "WhatsApp"). Not a browser route: Meta's signature
// authenticates each delivery instead of the same-origin check (lib/http/same-origin.ts).

export const dynamic = "force-dynamic";

export const GET = publicRoute({ handler: async ({ request }) => verifyHandshake(request) });

export const POST = publicRoute({ crossSite: "allowed", handler: async ({ request, openDatabase }) => receiveDelivery(request, after, openDatabase) });

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
