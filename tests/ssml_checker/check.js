// Reads a JSON array of SSML strings on stdin; prints a JSON array of
// {index, problems} for every string ssml-check-core finds fault with (Alexa rules).
const { check } = require("ssml-check-core");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const documents = JSON.parse(input);
  const faults = [];
  for (const [index, ssml] of documents.entries()) {
    const problems = await check(ssml, { platform: "amazon" });
    if (problems && problems.length) faults.push({ index, problems });
  }
  process.stdout.write(JSON.stringify(faults));
});
