/** Names that read the same in every language: products are brand names, used without articles. */
export const PRODUCTS = [
  'Nova X200',
  'FiberBox 3',
  'StreamPlus Premium',
  'SmartHeat Pro',
  'Aura Buds',
  'Flex 5G',
  'HomeCam 2',
  'Mesh One',
] as const;

/** Agent display names for call greetings and e-mail signatures. */
export const AGENT_NAMES = [
  'Sara', 'Jonas', 'Linnea', 'Mikkel', 'Hanna', 'Tobias', 'Nora', 'David',
  'Emilia', 'Oskar', 'Frida', 'Leon', 'Julia', 'Anders', 'Camilla', 'Paul',
] as const;

/** Reserved example domains (RFC 2606), so simulated addresses can never reach a real person. */
export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com'] as const;
