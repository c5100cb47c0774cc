/** English strings of the sessions list on the Devices page (spread into en). */
export const enSessions = {
  'devices.serial': 'Serial number',
  'sessions.title': 'Sessions',
  'sessions.subtitle':
    'Every browser and app signed in to your account now. Ending a session signs it out at once; its device stays and can sign in again (remove the device to keep it out).',
  'sessions.current': 'This session',
  'sessions.client.web': 'Browser',
  'sessions.client.device': 'App or command line',
  'sessions.signedIn': 'Signed in',
  'sessions.lastSeen': 'Last seen',
  'sessions.place': 'Signed in from',
  'sessions.factors': 'Signed in with',
  'sessions.end': 'End session',
  'sessions.endLabel': 'End session of “{name}”',
  'sessions.ended': 'The session of “{name}” ended',
  'sessions.loadFailed': 'Sessions could not be loaded: {reason}',
} as const;
