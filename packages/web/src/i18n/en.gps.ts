/** English strings of the viewer's GPS place (spread into en). */
export const enGps = {
  'gps.place': 'Place: {country}',
  'gps.coordinates': '{latitude}, {longitude}',
  'gps.mapTitle': 'Map of where the photo was taken',
} as const;
