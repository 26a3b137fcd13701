// Runs once, when the mongo container starts on an empty data volume (docker-entrypoint-initdb.d),
// as the root user created from MONGO_INITDB_ROOT_USERNAME / MONGO_INITDB_ROOT_PASSWORD.
// Creates the application's own user, limited to readWrite on its database (the app creates its
// indexes itself). Credentials come from the container environment, never from this file.
const dbName = process.env.MONGO_INITDB_DATABASE;
const user = process.env.MONGO_APP_USER;
const password = process.env.MONGO_APP_PASSWORD;
if (!dbName || !user || !password) {
  throw new Error("MONGO_INITDB_DATABASE, MONGO_APP_USER and MONGO_APP_PASSWORD must be set");
}
const appDb = db.getSiblingDB(dbName);
if (appDb.getUser(user) === null) {
  appDb.createUser({ user: user, pwd: password, roles: [{ role: "readWrite", db: dbName }] });
  print(`created user ${user} with readWrite on ${dbName}`);
}
