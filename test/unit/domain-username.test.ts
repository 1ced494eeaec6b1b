import { allocateUsername, foldToAscii, usernameBase } from '../../src/domain/username';

describe('usernames', () => {
  it('folds accented and non-decomposing Latin letters to ASCII', () => {
    expect(usernameBase('José', 'Müller-Łukasz', 'E1')).toBe('jmullerlukasz');
    expect(foldToAscii('Søren Æbelø ßtraße Đorđe Þór Œuvre ıi')).toBe('sorenaebelosstrassedordethoroeuvreii');
  });

  it('falls back to u + employee id when a non-Latin name folds to nothing', () => {
    expect(usernameBase('太郎', '山田', 'E2042')).toBe('ue2042');
    expect(usernameBase('Дмитрий', 'Иванов', '7731')).toBe('u7731');
  });

  it('gives a colliding name the next free number, never reusing a taken one', () => {
    const taken = new Set<string>(['jsmith']);
    expect(allocateUsername('jsmith', taken, 20)).toBe('jsmith2');
    expect(allocateUsername('jsmith', taken, 20)).toBe('jsmith3');
    expect(taken.has('jsmith3')).toBe(true);
  });

  it('cuts the base so the collision suffix still fits the length limit', () => {
    const base = usernameBase('Anna', 'Vandenberghe-Oppenheimer', 'E1');
    const taken = new Set<string>();
    const first = allocateUsername(base, taken, 20);
    expect(first).toBe('avandenbergheoppenhe');
    expect(allocateUsername(base, taken, 20)).toBe('avandenbergheoppenh2');
    expect(first).toHaveLength(20);
  });
});
