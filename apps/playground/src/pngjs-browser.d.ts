/** pngjs's browser build (browser.js) has the API of its Node entry point. */
declare module 'pngjs/browser' {
  export { PNG } from 'pngjs';
}
