// The side menu's icons by name. Route meta names them, and only the console's frame (loaded on
// demand) turns the names into components, so the icon set stays out of what the phone pages load.
import type { Component } from 'vue'
import { Avatar, Bell, Collection, DataAnalysis, Document, Files, HomeFilled, InfoFilled, Location, OfficeBuilding, Search, Setting, Tickets, User, UserFilled, Umbrella, Shop, MapLocation, Histogram, ChatDotRound, ChatLineRound, Calendar, Stamp } from '@element-plus/icons-vue'

export const MENU_ICONS = { Avatar, Bell, Collection, DataAnalysis, Document, Files, HomeFilled, InfoFilled, Location, OfficeBuilding, Search, Setting, Tickets, User, UserFilled, Umbrella, Shop, MapLocation, Histogram, ChatDotRound, ChatLineRound, Calendar, Stamp } satisfies Record<string, Component>

export type MenuIconName = keyof typeof MENU_ICONS
