// Stylesheets are bundled by esbuild (api/ui/bundle.ts) into the app's one CSS file.
declare module "*.css";
