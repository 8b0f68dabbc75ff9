// The password literal for ALTER/CREATE ROLE. ROLE statements take no bind parameters, so the literal is built with
// pg's escapeLiteral. Better still, what we send is a SCRAM-SHA-256 verifier computed here (as psql's \password
// does): the plain password then never reaches the server, so log_statement = 'ddl' (common on RDS) or
// pg_stat_activity cannot show it.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { Client } from 'pg';

const ITERATIONS = 4096;

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();

/** RFC 5802 / PostgreSQL's format: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>. */
const scramVerifier = (password: string, salt: Buffer = randomBytes(16), iterations = ITERATIONS) => {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
};

// SASLprep leaves printable ASCII unchanged; for anything else the server must normalise the password itself, so it
// gets the escaped plain text (GetRandomPassword only produces printable ASCII; an owner's own value may not be).
const isPrintableAscii = (password: string) => /^[\x20-\x7e]+$/.test(password);

const passwordLiteral = (client: Client, password: string) =>
  client.escapeLiteral(isPrintableAscii(password) ? scramVerifier(password) : password);

export { passwordLiteral, scramVerifier };
