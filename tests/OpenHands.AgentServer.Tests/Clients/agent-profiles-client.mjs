// Drives the published TypeScript client's agent-profile calls against a running server; prints one JSON report.
// Usage: node agent-profiles-client.mjs <client package folder> <server url>
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [packageDir, host] = process.argv.slice(2);
const { AgentProfilesClient } = await import(pathToFileURL(path.join(packageDir, 'dist', 'index.js')).href);
const client = new AgentProfilesClient({ host });
const report = {};
const status = async (call) => {
  try {
    await call();
    return 200;
  } catch (e) {
    return e.status ?? String(e);
  }
};

report.list = await client.listAgentProfiles();
report.save = await client.saveAgentProfile('ts-reviewer', { llm_profile_ref: 'ts-llm', mcp_server_refs: [] });
report.get = await client.getAgentProfile('ts-reviewer');
report.getExposed = await client.getAgentProfile('ts-reviewer', { exposeSecrets: 'encrypted' });
report.materialize = await client.materializeAgentProfile('ts-reviewer');
report.activate = await client.activateAgentProfile(report.get.profile.id);
report.rename = await client.renameAgentProfile('ts-reviewer', 'ts-renamed');
report.renameConflictStatus = await status(() => client.renameAgentProfile('ts-renamed', 'default'));
report.missingStatus = await status(() => client.getAgentProfile('ts-reviewer'));
report.invalidStatus = await status(() => client.saveAgentProfile('ts-bad', { bogus: true }));
report.listAfter = await client.listAgentProfiles();
report.delete = await client.deleteAgentProfile('ts-renamed');
report.deleteAgain = await client.deleteAgentProfile('ts-renamed');
report.listFinal = await client.listAgentProfiles();
client.close();
console.log(JSON.stringify(report));
