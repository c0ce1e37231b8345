import { isValidCnpj, isValidCpf, parsePixKey, PixKeyError } from '../../src/payouts';

describe('PIX keys', () => {
  it.each(['04303340790', '43278243803', '12345678909', '043.033.407-90'])('%s is a valid CPF', (cpf) => {
    expect(parsePixKey(cpf, 'cpf').key).toBe(cpf.replace(/\D/g, ''));
  });

  it.each(['11111111111', '12345678900', '1234567890', '4327824380a'])('%s is not a valid CPF', (cpf) => {
    expect(isValidCpf(cpf)).toBe(false);
  });

  it.each([
    ['44.038.188/0001-32', '44038188000132'],
    ['12.ABC.345/01DE-35', '12ABC34501DE35'],
    ['12abc34501de35', '12ABC34501DE35'],
  ])('%s is a valid CNPJ (numeric or alphanumeric), normalised to %s', (cnpj, normalised) => {
    expect(parsePixKey(cnpj, 'cnpj').key).toBe(normalised);
  });

  it.each(['44038188000133', '00000000000000', '12ABC34501DE36', '12ABC34501DEA5'])('%s is not a valid CNPJ', (cnpj) => {
    expect(isValidCnpj(cnpj)).toBe(false);
  });

  it.each([
    ['+5511987654321', '+5511987654321'],
    ['+55 (11) 98765-4321', '+5511987654321'],
    ['+551133334444', '+551133334444'],
  ])('phone %s is accepted as %s', (phone, normalised) => {
    expect(parsePixKey(phone, 'phone')).toEqual({ type: 'phone', key: normalised });
  });

  it.each(['11987654321', '+5501987654321', '+1415555123', '+55119876543210'])('phone %s is refused', (phone) => {
    expect(() => parsePixKey(phone, 'phone')).toThrow(PixKeyError);
  });

  it('e-mail keys are lower-cased and at most 77 characters', () => {
    expect(parsePixKey('Pix@BCB.gov.br', 'email').key).toBe('pix@bcb.gov.br');
    expect(() => parsePixKey(`${'a'.repeat(70)}@bcb.gov.br`, 'email')).toThrow(/77/);
    expect(() => parsePixKey('not an email', 'email')).toThrow(PixKeyError);
  });

  it('random (EVP) keys are lower-case UUIDs', () => {
    expect(parsePixKey('123E4567-E89B-12D3-A456-426655440000', 'evp').key).toBe('123e4567-e89b-12d3-a456-426655440000');
    expect(() => parsePixKey('123e4567e89b12d3a456426655440000', 'evp')).toThrow(PixKeyError);
  });

  it.each([
    ['123e4567-e89b-12d3-a456-426655440000', 'evp'],
    ['pix@bcb.gov.br', 'email'],
    ['+5511987654321', 'phone'],
    ['43278243803', 'cpf'],
    ['44.038.188/0001-32', 'cnpj'],
    ['12.ABC.345/01DE-35', 'cnpj'],
  ])('the type of %s is inferred as %s', (key, type) => {
    expect(parsePixKey(key).type).toBe(type);
  });

  it('an 11-digit key that is both a valid CPF and a mobile number is refused as ambiguous', () => {
    // 11912345684: a valid CPF and also (11) 91234-5684
    expect(isValidCpf('11912345684')).toBe(true);
    expect(() => parsePixKey('11912345684')).toThrow(/ambiguous/);
    expect(parsePixKey('11912345684', 'cpf').type).toBe('cpf');
  });

  it('an inferred key with bad check digits is refused', () => {
    expect(() => parsePixKey('43278243804')).toThrow(/not a valid CPF/);
    expect(() => parsePixKey('hello')).toThrow(/pixKeyType/);
  });
});
