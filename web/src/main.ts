import { createApp } from 'vue'
import { createPinia } from 'pinia'
import './styles/global.css'
import App from './App.vue'
import { createAppRouter } from './router'
import { installAuthGuard } from './router/guard'
import { useAuthStore } from './stores/auth'
import { i18n } from './i18n/instance'

document.documentElement.lang = i18n.global.locale.value

const pinia = createPinia()
const router = createAppRouter()
installAuthGuard(router, useAuthStore(pinia))

createApp(App).use(pinia).use(router).use(i18n).mount('#app')
