/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The Rust server embeds web/dist and serves index.html for unknown non-/api paths,
// so the SPA uses history mode under base "/". In development the API is proxied to a
// local `gridgov` (override the target with GRIDGOV_API, e.g. a `gridgov demo --port 0`).
const apiTarget = process.env.GRIDGOV_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  base: '/',
  plugins: [vue()],
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Leaflet marker images and fonts stay separate files; everything is served by the binary.
    assetsInlineLimit: 4096,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Named vendor chunks: they change less often than the app, so browsers keep them cached.
        advancedChunks: {
          // A group also takes its modules' dependencies, so Vue is claimed first: otherwise it would
          // ride in the Element Plus chunk, and every page, the phone pages too, would load all of
          // Element Plus.
          groups: [
            {
              name: 'vue',
              test: /node_modules[\\/](@vue|vue|vue-router|vue-i18n|@intlify|pinia)[\\/]/,
              priority: 30,
            },
            // Only the phone pages use Vant; only the console uses Element Plus and Leaflet.
            { name: 'vant', test: /node_modules[\\/](vant|@vant)[\\/]/, priority: 20 },
            { name: 'leaflet', test: /node_modules[\\/]leaflet/, priority: 20 },
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@vueuse|@floating-ui|lodash)/, priority: 10 },
          ],
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
})
