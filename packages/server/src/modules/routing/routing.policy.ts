/** An agent that could take a conversation, with their current load. */
export interface Candidate {
  agentId: string;
  status: string;
  load: number;
  maxConcurrent: number;
}

/** Online and under capacity. */
export function hasRoom(c: Candidate): boolean {
  return c.status === 'online' && c.load < c.maxConcurrent;
}

/**
 * Picks who takes a conversation: the buyer's last agent when online with room (buyers ask for
 * "their" agent), else the least-loaded online agent under capacity (ties: lowest load ratio, then id).
 * Null → the conversation queues.
 */
export function pickAgent(candidates: readonly Candidate[], lastAgentId: string | null): string | null {
  const free = candidates.filter(hasRoom);
  if (free.length === 0) return null;
  if (lastAgentId) {
    const last = free.find((c) => c.agentId === lastAgentId);
    if (last) return last.agentId;
  }
  const sorted = [...free].sort((a, b) => a.load - b.load || a.load / a.maxConcurrent - b.load / b.maxConcurrent || (a.agentId < b.agentId ? -1 : 1));
  return sorted[0]!.agentId;
}
