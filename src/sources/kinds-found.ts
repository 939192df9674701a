// Which contribution kinds the sources find by themselves, and where: what "How scoring works"
// tells people about each kind (found automatically, submitted for review, or both). Kept next
// to the sources; a test checks each source's own kind functions against it.
export interface SourceFinding {
  /** "GitHub", "your blog's feed (RSS, Atom, dev.to, YouTube)". */
  where: string;
  kinds: string[];
}

export const KINDS_FOUND_BY_SOURCE: Record<string, SourceFinding> = {
  github: { where: 'GitHub', kinds: ['pullRequestMerged', 'pullRequestReviewed', 'issueReported', 'documentationMerged', 'documentationReviewed'] },
  feeds: { where: 'your linked feeds (RSS, Atom, dev.to, YouTube, podcasts)', kinds: ['blogPost', 'video', 'podcastEpisode'] },
  stackexchange: { where: 'Magento Stack Exchange', kinds: ['answerPosted'] },
  discourse: { where: 'the forums you link', kinds: ['forumTopic', 'forumReply'] },
  packagist: { where: 'Packagist', kinds: ['packageReleased'] },
  ical: { where: 'the event calendars you link', kinds: ['eventOrganized'] },
};

/** Where a kind is found automatically, or null when no source finds it. */
export function whereFound(kind: string): string[] {
  return Object.values(KINDS_FOUND_BY_SOURCE)
    .filter((finding) => finding.kinds.includes(kind))
    .map((finding) => finding.where);
}
