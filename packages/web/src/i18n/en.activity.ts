/** English strings of the activity history's factors, paging and 'This wasn't me' without a device (spread into en). */
export const enActivity = {
  'activity.factors': 'with {factors}',
  'activity.showOlder': 'Show older',
  'activity.loadingOlder': 'Loading older entries…',
  'activity.olderFailed': 'Older entries could not be loaded: {reason}',
  'activity.notMeNoDevice.title': "This wasn't me",
  'activity.notMeNoDevice.body':
    'No device of yours did this. If it was not you, someone else may know your password: change it now, and keep “Sign out everywhere else” on so any session they have ends.',
  'activity.notMeNoDevice.confirm': 'Change my password',
} as const;
