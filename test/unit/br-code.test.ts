import { brCode } from '../../src/payouts/pix';

describe('brCode (the PIX BR Code of the sandbox charges)', () => {
  it("matches the Banco Central manual's static example, CRC included", () => {
    expect(brCode({ key: '123e4567-e12b-12d1-a456-426655440000', name: 'Fulano de Tal', city: 'BRASILIA', txid: '***' }))
      .toBe('00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D');
  });
});
