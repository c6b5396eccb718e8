import { createAppI18n } from '.'

/** The app's one vue-i18n instance, shared by components (via the plugin) and stores. */
export const i18n = createAppI18n()
