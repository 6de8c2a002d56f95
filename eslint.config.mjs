import next from "eslint-config-next";

const config = [
  { ignores: [".next/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  ...next,
  // Playwright fixtures call `use`, which is not React's hook
  { files: ["tests/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
];
export default config;
