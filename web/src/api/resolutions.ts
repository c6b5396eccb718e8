// The gridgov API v1 endpoints the residents' phone pages use to follow what their topics became:
// resolutions (决议) with their cases, tasks and ratings, rating a completed topic, and casting
// one's own ballot or checking oneself in at a meeting. Kept apart from gridgov.ts (the console's),
// with the same helpers and the generated types.
import { apiPath } from './gridgov'
import { getJson, postJson } from './http'
import type { components } from './schema'
import type { ParticipantView, ProposalView } from './types'

type Schemas = components['schemas']

/** GET /api/v1/resolutions/{id}: the resolution, its cases and tasks, the ratings, `my_rating`, `actions`. */
export type ResolutionDetail = Schemas['ResolutionDetail']
export type ResolutionView = Schemas['ResolutionView']
/** A case implementing a resolution (residents see its number and state, not its text). */
export type LinkedCase = Schemas['LinkedCase']
/** A milestone of a resolution: title, owner, due date, done with a note. */
export type TaskView = Schemas['TaskView']
/** The ratings of a completed topic: counts and 满意率. */
export type RatingSummary = Schemas['RatingSummary']
export type RatingInput = Schemas['RatingInput']

/** A resolution with its cases, tasks, ratings and what the caller may do (`rate`, `implement`). */
export function fetchResolution(id: number, signal?: AbortSignal): Promise<ResolutionDetail> {
  return getJson<ResolutionDetail>(apiPath('/api/v1/resolutions/{id}', { id: String(id) }), {}, signal)
}

/**
 * A resident rates a completed topic once (201 with the new summary): 409 `topic_not_completed`,
 * `already_rated`; 422 `outside_area`, `home_required`; 400 `unknown_rating`.
 */
export function rateTopic(topicId: number, body: RatingInput): Promise<RatingSummary> {
  return postJson<RatingSummary>(apiPath('/api/v1/topics/{id}/ratings', { id: String(topicId) }), body)
}

/** The caller casts their own ballot as the participant linked to their account. */
export function castOwnBallot(proposalId: number, choice: string): Promise<ProposalView> {
  return postJson<ProposalView>(apiPath('/api/v1/proposals/{id}/ballots', { id: String(proposalId) }), { choice })
}

/** The caller checks themselves in (no body) while the meeting is in session; idempotent. */
export function checkInSelf(meetingId: number): Promise<ParticipantView> {
  return postJson<ParticipantView>(apiPath('/api/v1/meetings/{id}/check-ins', { id: String(meetingId) }))
}
