import { attributeHoldReason, holdReason, reactivationHoldReason, type SafetyLimits } from '../../src/domain/safety';

const limits: SafetyLimits = { maxRemovals: 500, maxRemovalPercent: 20, minPopulationRatio: 0.5, maxAttributeChanges: 500, maxAttributeChangePercent: 20, attributeChangeFloor: 10 };

describe('safety limits', () => {
  it('holds a change of one attribute by percent only above the floor, and by count always', () => {
    expect(attributeHoldReason({ attribute: 'title', changed: 10, cleared: 0 }, 12, limits)).toBeNull();
    expect(attributeHoldReason({ attribute: 'title', changed: 11, cleared: 0 }, 50, limits)).toBe('run would change attribute "title" for 11 of 50 people (22.0%), more than the limit of 20%');
    expect(attributeHoldReason({ attribute: 'mail', changed: 501, cleared: 501 }, 100_000, limits)).toBe('run would change attribute "mail" (clearing it for 501) for 501 people, more than the limit of 500');
    expect(attributeHoldReason({ attribute: 'title', changed: 400, cleared: 0 }, 100_000, limits)).toBeNull();
  });

  it('holds reactivations with the limits of removals', () => {
    expect(reactivationHoldReason(3, 10, limits)).toBe('run would reactivate or rehire 3 of 10 people (30.0%), more than the limit of 20%');
    expect(reactivationHoldReason(1, 10, limits)).toBeNull();
    expect(holdReason(3, 10, limits)).toBe('run would terminate or suspend 3 of 10 people (30.0%), more than the limit of 20%');
  });

  it('holds no attribute change under limits a run staged before they existed', () => {
    const old: SafetyLimits = { maxRemovals: 500, maxRemovalPercent: 20, minPopulationRatio: 0.5 };
    expect(attributeHoldReason({ attribute: 'title', changed: 50, cleared: 0 }, 50, old)).toBeNull();
  });
});
