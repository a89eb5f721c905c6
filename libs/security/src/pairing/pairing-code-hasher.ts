import { createHmac } from 'node:crypto';
import path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { readOrCreateSecretFile } from '@switchboard/persistence';

/** Where the key is kept when PAIRING_CODE_SECRET is not set. */
export const PAIRING_CODE_KEY_FILE = 'pairing-code.key';

/**
 * What the database keeps instead of a pairing code: HMAC-SHA256 under a server key, so that a
 * copy of the database alone does not give the codes away (8 characters are only 40 bits, too
 * few for a plain hash). The key is PAIRING_CODE_SECRET, or else a random one made once in
 * `<dataDir>/pairing-code.key` (0600).
 */
@Injectable()
export class PairingCodeHasher {
  private readonly key: string;

  constructor(@InjectConfig() config: SwitchboardConfig) {
    const configured = config.security.pairingCodeSecret;
    if (configured) {
      this.key = configured;
    } else {
      const file = path.join(config.database.dataDir, PAIRING_CODE_KEY_FILE);
      this.key = readOrCreateSecretFile(file);
      new Logger('Pairing').debug(`pairing codes are keyed by ${file}`);
    }
  }

  hash(code: string): string {
    return createHmac('sha256', this.key).update(code).digest('hex');
  }
}
