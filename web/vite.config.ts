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
          groups: [
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@vueuse|@floating-ui|lodash)/ },
            { name: 'leaflet', test: /node_modules[\\/]leaflet/ },
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|vue-i18n|@intlify|pinia)[\\/]/ },
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
