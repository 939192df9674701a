// The six contribution categories of the program, in the order they are shown.
export const CATEGORIES = ['code', 'content', 'events', 'documentation', 'education', 'leadership'] as const;

export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Record<Category, string> = {
  code: 'Code',
  content: 'Content',
  events: 'Events',
  documentation: 'Documentation',
  education: 'Education',
  leadership: 'Community leadership',
};

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

export type CategoryPoints = Record<Category, number>;

export function emptyCategoryPoints(): CategoryPoints {
  return { code: 0, content: 0, events: 0, documentation: 0, education: 0, leadership: 0 };
}
