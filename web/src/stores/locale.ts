import { defineStore } from 'pinia'
import { computed } from 'vue'
import { type AppLocale, saveLocale } from '../i18n'
import { i18n } from '../i18n/instance'

/** The UI language: switches vue-i18n, remembers the choice and sets <html lang>. */
export const useLocaleStore = defineStore('locale', () => {
  const current = computed<AppLocale>(() => i18n.global.locale.value)

  function setLocale(next: AppLocale): void {
    i18n.global.locale.value = next
    saveLocale(next)
    document.documentElement.lang = next
  }

  return { current, setLocale }
})
