// Drives npm @cedx/akismet against a server; prints what each call answered, as JSON.
// node akismet_cedx.mjs <path to the package's lib/index.js> <base URL> <key> <blog URL>
const [, , library, baseUrl, key, blogUrl] = process.argv;
const {Author, Blog, Client, Comment, Usage} = await import(library);

const blog = new Blog({url: blogUrl, charset: "UTF-8", languages: ["en", "fr"]});
const client = new Client(key, blog, {baseUrl, isTest: true});
const wrong = new Client("wrongkey1234", blog, {baseUrl, isTest: true});
const author = (options) => new Author({ipAddress: "192.0.2.9", userAgent: "Mozilla/5.0", ...options});
const comment = (authorOptions, options = {}) => new Comment({
  author: author(authorOptions),
  content: "The new timetable works well for us, though the Sunday buses are still too rare.",
  context: ["news", "town"],
  date: new Date("2024-01-01T00:00:00.000Z"),
  type: "comment",
  ...options,
});
const blatant = comment(
  {name: "buy cheap viagra", url: "http://cheap-pills.example", userAgent: "curl/8.5"},
  {content: "Cheap replica watches, viagra and casino bonus at http://bit.ly/abc"},
);
const settle = async (call) => { try { await call(); return "ok"; } catch (error) { return String(error); } };

// A check without is_test, so usage-limit has something to count.
const counted = new Client(key, blog, {baseUrl});
await counted.checkComment(comment({name: "Ann"}));
const response = await fetch(new URL(`1.2/usage-limit?api_key=${key}`, baseUrl));
const usage = Usage.fromJson(await response.json());

console.log(JSON.stringify({
  verify: await client.verifyKey(),
  wrongKey: await wrong.verifyKey(),
  ham: await client.checkComment(comment({name: "Ann"})),
  spam: await client.checkComment(comment({name: "akismet-guaranteed-spam"})),
  administrator: await client.checkComment(comment({name: "akismet-guaranteed-spam", role: "administrator"})),
  blatant: await client.checkComment(blatant),
  // Test calls: they answer like any other but teach nothing.
  submitSpam: await settle(() => client.submitSpam(comment({name: "Ann"}))),
  submitHam: await settle(() => client.submitHam(blatant)),
  usage: {limit: usage.limit, throttled: usage.throttled, counted: usage.usage >= 1},
}));
