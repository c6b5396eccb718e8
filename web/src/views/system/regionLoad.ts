// Lazy loading of the region tree for Element Plus trees and tree-selects on the admin pages.
import type { LoadFunction } from 'element-plus'
import { fetchRegions } from '../../api/gridgov'
import type { Region } from '../../api/types'

export const regionTreeProps = {
  label: 'name',
  children: 'children',
  isLeaf: (data: unknown) => (data as Region).child_count === 0,
}

/** Loads the districts at the root, a node's children when it is opened. */
export function regionLoader(onError: (error: unknown) => void): LoadFunction {
  return (node, resolve, stopLoading) => {
    const parent = node.level === 0 ? undefined : (node.data as Region).code
    fetchRegions(parent)
      .then((items) => resolve(items))
      .catch((error: unknown) => {
        stopLoading()
        onError(error)
      })
  }
}
