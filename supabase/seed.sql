-- Demo data: the offline model and a small product catalog. Safe to run twice.

insert into public.llm_models (key, name, provider)
values ('offline', 'Threadline Offline', 'offline')
on conflict (key) do nothing;

insert into public.products (sku, name, category, description, price_cents, tags, pickup_location) values
  ('TRL-TENT-2', 'Ridgeline 2-Person Tent', 'camping', 'A light three-season tent that pitches in four minutes; 2.1 kg with poles, two doors and two vestibules.', 28900, '{tent,camping,hiking,backpacking,lightweight,outdoor}', 'Warehouse A, 12 Harbor Road, Portland'),
  ('TRL-TENT-4', 'Basecamp 4-Person Tent', 'camping', 'Roomy family tent with full-height walls, a gear loft and a rainfly rated to 3000 mm.', 41900, '{tent,camping,family,outdoor}', 'Warehouse A, 12 Harbor Road, Portland'),
  ('TRL-BAG-20', 'Ember 20F Sleeping Bag', 'camping', 'Down-alternative mummy bag comfortable to -6 C, packs to the size of a loaf of bread.', 15900, '{sleeping,bag,camping,warm,winter,backpacking}', 'Warehouse A, 12 Harbor Road, Portland'),
  ('TRL-PAD-UL', 'Featherlite Sleeping Pad', 'camping', 'Insulated inflatable pad, R-value 4.2, 7 cm thick and 420 g.', 9900, '{pad,sleeping,camping,lightweight,backpacking}', 'Warehouse A, 12 Harbor Road, Portland'),
  ('TRL-PACK-45', 'Trailhead 45L Backpack', 'packs', 'Ventilated-back trekking pack with an adjustable torso, rain cover and hip-belt pockets.', 18900, '{backpack,pack,hiking,trekking,travel,backpacking}', 'Store B, 48 Market Street, Seattle'),
  ('TRL-PACK-20', 'City Commuter 20L Daypack', 'packs', 'Water-resistant daypack with a padded laptop sleeve for 16-inch laptops and a hidden passport pocket.', 8900, '{backpack,daypack,laptop,commute,travel,city}', 'Store B, 48 Market Street, Seattle'),
  ('TRL-BOOT-M', 'Summit Waterproof Hiking Boot', 'footwear', 'Mid-height leather boot with a waterproof membrane and a grippy lugged sole for wet trails.', 17900, '{boots,hiking,waterproof,footwear,trail,shoes}', 'Store B, 48 Market Street, Seattle'),
  ('TRL-SHOE-TR', 'Swift Trail Running Shoe', 'footwear', 'Light, cushioned trail runner with a rock plate; 280 g per shoe.', 13900, '{shoes,running,trail,footwear,lightweight}', 'Store B, 48 Market Street, Seattle'),
  ('TRL-JKT-RN', 'Stormshell Rain Jacket', 'clothing', 'Packable 2.5-layer waterproof, breathable shell with pit zips and an adjustable hood.', 14900, '{jacket,rain,waterproof,clothing,hiking,travel}', 'Store C, 7 Pine Avenue, Denver'),
  ('TRL-JKT-DN', 'Loft Down Jacket', 'clothing', 'Warm 800-fill down jacket that packs into its own pocket; ideal for cold evenings and winter.', 22900, '{jacket,down,warm,winter,clothing}', 'Store C, 7 Pine Avenue, Denver'),
  ('TRL-FLEECE', 'Grid Fleece Pullover', 'clothing', 'Breathable grid fleece midlayer with a half zip and thumb loops.', 7900, '{fleece,clothing,warm,layer,hiking}', 'Store C, 7 Pine Avenue, Denver'),
  ('TRL-STOVE', 'Pocket Rocket Camp Stove', 'cooking', 'Compact canister stove that boils a litre in three minutes, with a piezo igniter.', 6900, '{stove,cooking,camping,backpacking}', 'Warehouse A, 12 Harbor Road, Portland'),
  ('TRL-MUG', 'Insulated Camp Mug', 'cooking', 'Double-wall stainless mug, 350 ml, keeps coffee hot for two hours; a favourite corporate gift.', 2400, '{mug,coffee,cooking,camping,gift}', 'Warehouse A, 12 Harbor Road, Portland'),
  ('TRL-BOTTLE', 'Canyon 1L Water Bottle', 'hydration', 'Vacuum-insulated steel bottle, cold for 24 hours; popular for team and event orders.', 3400, '{bottle,water,hydration,gift,travel}', 'Warehouse A, 12 Harbor Road, Portland'),
  ('TRL-LAMP', 'Beacon Headlamp', 'lighting', 'Rechargeable 400-lumen headlamp with red night mode and a lock-out switch.', 4900, '{headlamp,light,lamp,camping,running,night}', 'Store C, 7 Pine Avenue, Denver'),
  ('TRL-POLES', 'Carbon Trekking Poles', 'accessories', 'Pair of three-section carbon poles with cork grips and quick locks; 440 g the pair.', 12900, '{poles,trekking,hiking,accessories,lightweight}', 'Store B, 48 Market Street, Seattle')
on conflict (sku) do nothing;
