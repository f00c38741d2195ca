// The JS SDK v3 as a client of the compatibility suite (tests/compat/test_compat.py): the
// profile named on the command line through fromIni (@aws-sdk/credential-providers), and an
// STS client whose region comes from the SDK's own loader (AWS_PROFILE is that profile, as a
// user would run it), calling GetCallerIdentity.
//
// The stand-in's URL comes in AMT_COMPAT_ENDPOINT; its CA in NODE_EXTRA_CA_CERTS, which node
// reads. Prints one JSON object; on a failure, the SDK's error on stderr and exit status 1.
//
// SPDX-License-Identifier: GPL-3.0-or-later
import { fromIni } from "@aws-sdk/credential-providers";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";

const profile = process.argv[2];
let stage = "credentials";
try {
  const credentials = await fromIni({ profile })();
  stage = "region";
  const client = new STSClient({
    credentials: fromIni({ profile }),
    endpoint: process.env.AMT_COMPAT_ENDPOINT,
    maxAttempts: 1,
  });
  const region = await client.config.region();
  stage = "GetCallerIdentity";
  const identity = await client.send(new GetCallerIdentityCommand({}));
  process.stdout.write(JSON.stringify({
    access_key_id: credentials.accessKeyId,
    secret_access_key: credentials.secretAccessKey,
    session_token: credentials.sessionToken ?? "",
    region,
    arn: identity.Arn,
  }) + "\n");
} catch (error) {
  process.stderr.write(`${stage}: ${error.name}: ${error.message}\n`);
  process.exit(1);
}
