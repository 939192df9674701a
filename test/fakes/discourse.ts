// A loopback Discourse forum: /user_actions.json?username=&filter=4,5&offset= returning
// {user_actions: [...]} newest first, 30 per page, with the fields Discourse sends (excerpt,
// action_type, created_at, slug, topic_id, post_number, title, username, category_id, ...).

import { startFakeServer, type FakeServer } from './server.js';

export interface FakeAction {
  type: 4 | 5;
  topicId: number;
  postNumber: number;
  title: string;
  createdAt: string;
  username: string;
}

export async function startFakeDiscourse(actions: FakeAction[]): Promise<FakeServer & { actions: FakeAction[] }> {
  const server = await startFakeServer((req) => {
    if (req.path !== '/user_actions.json') return { status: 404, json: { errors: ['The requested URL or resource could not be found.'], error_type: 'not_found' } };
    const username = req.query.get('username') ?? '';
    const mine = actions.filter((a) => a.username.toLowerCase() === username.toLowerCase());
    if (mine.length === 0 && username === 'ghost') return { status: 404, json: { errors: ['The requested URL or resource could not be found.'], error_type: 'not_found' } };
    const filter = (req.query.get('filter') ?? '').split(',').map(Number);
    const offset = Number(req.query.get('offset') ?? 0);
    const page = mine
      .filter((a) => filter.includes(a.type))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(offset, offset + 30)
      .map((a) => ({
        excerpt: 'Short excerpt &hellip;',
        action_type: a.type,
        created_at: a.createdAt,
        avatar_template: '/user_avatar/forum/x/{size}/1.png',
        acting_avatar_template: '/user_avatar/forum/x/{size}/1.png',
        slug: a.title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        topic_id: a.topicId,
        target_user_id: 10,
        target_name: null,
        target_username: a.username,
        post_number: a.postNumber,
        post_id: a.topicId * 100 + a.postNumber,
        username: a.username,
        name: null,
        user_id: 10,
        acting_username: a.username,
        acting_name: null,
        acting_user_id: 10,
        title: a.title,
        deleted: false,
        hidden: false,
        post_type: 1,
        action_code: null,
        category_id: 5,
        closed: false,
        archived: false,
      }));
    return { json: { user_actions: page } };
  });
  return Object.assign(server, { actions });
}
