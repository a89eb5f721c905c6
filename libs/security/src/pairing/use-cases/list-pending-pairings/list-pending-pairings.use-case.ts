import { Inject, Injectable } from '@nestjs/common';
import { PairingRepository } from '@switchboard/persistence';
import type { PairingRequest } from '@switchboard/persistence';
import { CLOCK, Clock } from '../../../clock';

/** Pairing requests waiting for an operator, oldest first (the codes themselves are not known). */
@Injectable()
export class ListPendingPairingsUseCase {
  constructor(
    private readonly pairing: PairingRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(platform?: string): Promise<PairingRequest[]> {
    return this.pairing.listPending(this.clock.now(), platform);
  }
}
