// The Vant components the phone pages use, with their styles, in one place: only these are bundled
// (Vant's full stylesheet is several times larger), and a page imports what it needs from here.
import 'vant/es/style/base.css'
import 'vant/es/action-sheet/style/index.mjs'
import 'vant/es/button/style/index.mjs'
import 'vant/es/cascader/style/index.mjs'
import 'vant/es/cell/style/index.mjs'
import 'vant/es/cell-group/style/index.mjs'
import 'vant/es/dialog/style/index.mjs'
import 'vant/es/empty/style/index.mjs'
import 'vant/es/field/style/index.mjs'
import 'vant/es/icon/style/index.mjs'
import 'vant/es/form/style/index.mjs'
import 'vant/es/image-preview/style/index.mjs'
import 'vant/es/list/style/index.mjs'
import 'vant/es/loading/style/index.mjs'
import 'vant/es/nav-bar/style/index.mjs'
import 'vant/es/notice-bar/style/index.mjs'
import 'vant/es/picker/style/index.mjs'
import 'vant/es/popup/style/index.mjs'
import 'vant/es/pull-refresh/style/index.mjs'
import 'vant/es/radio/style/index.mjs'
import 'vant/es/radio-group/style/index.mjs'
import 'vant/es/step/style/index.mjs'
import 'vant/es/steps/style/index.mjs'
import 'vant/es/switch/style/index.mjs'
import 'vant/es/tab/style/index.mjs'
import 'vant/es/tabbar/style/index.mjs'
import 'vant/es/tabbar-item/style/index.mjs'
import 'vant/es/tabs/style/index.mjs'
import 'vant/es/tag/style/index.mjs'
import 'vant/es/toast/style/index.mjs'
import 'vant/es/uploader/style/index.mjs'
import { Locale } from 'vant'
import enUS from 'vant/es/locale/lang/en-US'
import zhCN from 'vant/es/locale/lang/zh-CN'

export {
  ActionSheet as VanActionSheet,
  Button as VanButton,
  Cascader as VanCascader,
  Cell as VanCell,
  CellGroup as VanCellGroup,
  Empty as VanEmpty,
  Field as VanField,
  Form as VanForm,
  Icon as VanIcon,
  List as VanList,
  Loading as VanLoading,
  NavBar as VanNavBar,
  NoticeBar as VanNoticeBar,
  Picker as VanPicker,
  Popup as VanPopup,
  PullRefresh as VanPullRefresh,
  Radio as VanRadio,
  RadioGroup as VanRadioGroup,
  Step as VanStep,
  Steps as VanSteps,
  Switch as VanSwitch,
  Tab as VanTab,
  Tabbar as VanTabbar,
  TabbarItem as VanTabbarItem,
  Tabs as VanTabs,
  Tag as VanTag,
  Uploader as VanUploader,
  closeToast,
  showConfirmDialog,
  showFailToast,
  showImagePreview,
  showLoadingToast,
  showSuccessToast,
  showToast,
} from 'vant'

/** Vant's own texts (pickers, dialogs, lists) in the app's language. */
export function useVantLocale(locale: string): void {
  if (locale === 'en') Locale.use('en-US', enUS)
  else Locale.use('zh-CN', zhCN)
}
