// The people of the demo community: invented names across the Magento ecosystem's countries.
export const FIRST_NAMES = [
  'Anna', 'Bartek', 'Carmen', 'Dmytro', 'Elena', 'Fabian', 'Giulia', 'Hiro', 'Ines', 'Jakub', 'Kavya', 'Lars',
  'Mariana', 'Nikhil', 'Olena', 'Pieter', 'Quentin', 'Rosa', 'Sven', 'Tamara', 'Umar', 'Vera', 'Willem', 'Ximena',
  'Yusuf', 'Zofia', 'Arjun', 'Brigitte', 'Chen', 'Dario', 'Emma', 'Felipe', 'Greta', 'Hassan', 'Ilse', 'Joost',
];
export const LAST_NAMES = [
  'Kowalski', 'Jansen', 'Moreno', 'Shevchenko', 'Rossi', 'Becker', 'Tanaka', 'Silva', 'Novak', 'Iyer', 'Lindqvist',
  'Costa', 'Patel', 'Bondarenko', 'de Vries', 'Lefebvre', 'Garcia', 'Nilsson', 'Horvat', 'Khan', 'Petrova', 'Bakker',
  'Lopez', 'Yilmaz', 'Wojcik', 'Sharma', 'Weber', 'Zhang', 'Bianchi', 'Martin', 'Alves', 'Schmidt', 'Ali', 'Visser',
];
export const COUNTRIES = [
  'Netherlands', 'Poland', 'Ukraine', 'Germany', 'India', 'United States', 'United Kingdom', 'Italy', 'Spain',
  'France', 'Brazil', 'Sweden', 'Turkey', 'Japan', 'Croatia', 'Canada',
];
export const COMPANIES = [
  'Hyvä Themes', 'Mage-OS', 'Vendic', 'Yireo', 'Elgentos', 'Run as Root', 'Snowdog', 'Interactiv4', 'Integer_net',
  'Fisheye', 'Aligent', 'Ampersand', 'Copex', 'Freelance', 'Mageplaza', 'Magebit', null,
];
export const TOPICS = [
  'checkout performance', 'GraphQL caching', 'Hyvä checkout', 'MSI reservations', 'indexer tuning', 'PWA Studio routing',
  'Page Builder content types', 'Varnish configuration', 'OpenSearch relevance', 'B2B quotes', 'MFTF tests',
  'static content deploy', 'Mage-OS releases', 'composer patches', 'cron groups', 'message queues', 'customer data sections',
  'plugin interceptors', 'declarative schema', 'integration tests', 'Adobe Commerce upgrades', 'accessibility audits',
];
