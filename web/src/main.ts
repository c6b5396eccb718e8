import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/dist/index.css'
import 'leaflet/dist/leaflet.css'
import './styles/global.css'
import App from './App.vue'
import { createAppRouter } from './router'
import { i18n } from './i18n/instance'

document.documentElement.lang = i18n.global.locale.value

createApp(App).use(createPinia()).use(createAppRouter()).use(i18n).mount('#app')
