import Link from "next/link";
import { ChatWidget } from "@/components/chat";

// A sample storefront that hosts the chat widget.

interface Product {
  name: string;
  price: string;
  blurb: string;
  tag: string;
  swatch: string;
}

// The same items as the demo catalog (supabase/seed.sql), so the assistants know them.
const PRODUCTS: Product[] = [
  { name: "Stormshell Rain Jacket", price: "$149", blurb: "Packable 2.5-layer waterproof, breathable shell with pit zips.", tag: "Clothing", swatch: "from-sky-500 to-indigo-600" },
  { name: "Trailhead 45L Backpack", price: "$189", blurb: "Ventilated-back trekking pack with a rain cover and hip-belt pockets.", tag: "Packs", swatch: "from-amber-400 to-orange-600" },
  { name: "Ridgeline 2-Person Tent", price: "$289", blurb: "A light three-season tent that pitches in four minutes.", tag: "Camping", swatch: "from-emerald-400 to-teal-600" },
  { name: "Summit Waterproof Hiking Boot", price: "$179", blurb: "Mid-height leather boot with a grippy lugged sole for wet trails.", tag: "Footwear", swatch: "from-slate-400 to-slate-700" },
  { name: "Canyon 1L Water Bottle", price: "$34", blurb: "Vacuum-insulated steel, cold for 24 hours; popular for team orders.", tag: "Hydration", swatch: "from-cyan-400 to-blue-600" },
  { name: "Loft Down Jacket", price: "$229", blurb: "Warm 800-fill down that packs into its own pocket.", tag: "Clothing", swatch: "from-rose-400 to-fuchsia-600" },
];

export default function StorefrontPage() {
  return (
    <>
      <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-950/80">
        <div className="mx-auto flex max-w-6xl items-center justify-between px-5 py-4">
          <Link href="/" className="text-lg font-bold tracking-tight text-slate-900 dark:text-white">
            Threadline <span className="text-indigo-700 dark:text-indigo-300">Outfitters</span>
          </Link>
          <nav aria-label="Shop" className="hidden gap-6 text-sm text-slate-700 sm:flex dark:text-slate-300">
            <span>New arrivals</span>
            <span>Jackets</span>
            <span>Packs</span>
            <span>Bulk orders</span>
          </nav>
        </div>
      </header>

      <main className="mx-auto max-w-6xl px-5 pb-32">
        <section className="py-12 sm:py-16">
          <p className="text-sm font-semibold uppercase tracking-wider text-indigo-700 dark:text-indigo-300">Autumn collection</p>
          <h1 className="mt-2 max-w-2xl text-3xl font-bold tracking-tight text-slate-900 sm:text-5xl dark:text-white">
            Gear that goes the distance.
          </h1>
          <p className="mt-4 max-w-xl text-base text-slate-700 dark:text-slate-300">
            Not sure what fits your trip? Ask our assistants in the chat — they can recommend products, tell you what makes
            them worth it, or set up a bulk order for your team.
          </p>
        </section>

        <section aria-labelledby="products-heading">
          <h2 id="products-heading" className="text-xl font-semibold text-slate-900 dark:text-white">
            Featured products
          </h2>
          <ul className="mt-6 grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
            {PRODUCTS.map((product) => (
              <li
                key={product.name}
                className="overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
              >
                <div aria-hidden="true" className={`h-36 bg-gradient-to-br ${product.swatch}`} />
                <div className="p-5">
                  <p className="text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400">{product.tag}</p>
                  <div className="mt-1 flex items-baseline justify-between gap-3">
                    <h3 className="font-semibold text-slate-900 dark:text-white">{product.name}</h3>
                    <p className="font-semibold text-slate-900 dark:text-white">{product.price}</p>
                  </div>
                  <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">{product.blurb}</p>
                </div>
              </li>
            ))}
          </ul>
        </section>
      </main>

      <footer className="border-t border-slate-200 py-8 text-center text-sm text-slate-600 dark:border-slate-800 dark:text-slate-400">
        Threadline Outfitters is a demo store for the Threadline chat widget.
      </footer>

      <ChatWidget />
    </>
  );
}
