import { foldVietnamese } from '../../platform/i18n/normalize.ts';

/**
 * The 34 provinces and centrally-run cities since 1 July 2025 (Resolution 202/2025/QH15), with
 * their administrative codes (Decision 19/2025/QĐ-TTg), which the order's Province carries.
 * Districts were abolished then, so District is sent empty. VNPost's own province codes are
 * not public: if it uses others, this table is where they change.
 */
export const PROVINCES: readonly { code: string; name: string; aliases?: string[] }[] = [
  { code: '01', name: 'Hà Nội', aliases: ['Ha Noi', 'Hanoi', 'TP Hà Nội'] },
  { code: '04', name: 'Cao Bằng' },
  { code: '08', name: 'Tuyên Quang' },
  { code: '11', name: 'Điện Biên' },
  { code: '12', name: 'Lai Châu' },
  { code: '14', name: 'Sơn La' },
  { code: '15', name: 'Lào Cai' },
  { code: '19', name: 'Thái Nguyên' },
  { code: '20', name: 'Lạng Sơn' },
  { code: '22', name: 'Quảng Ninh' },
  { code: '24', name: 'Bắc Ninh' },
  { code: '25', name: 'Phú Thọ' },
  { code: '31', name: 'Hải Phòng' },
  { code: '33', name: 'Hưng Yên' },
  { code: '37', name: 'Ninh Bình' },
  { code: '38', name: 'Thanh Hóa', aliases: ['Thanh Hoá'] },
  { code: '40', name: 'Nghệ An' },
  { code: '42', name: 'Hà Tĩnh' },
  { code: '44', name: 'Quảng Trị' },
  { code: '46', name: 'Huế', aliases: ['Thừa Thiên Huế'] },
  { code: '48', name: 'Đà Nẵng' },
  { code: '51', name: 'Quảng Ngãi' },
  { code: '52', name: 'Gia Lai' },
  { code: '56', name: 'Khánh Hòa', aliases: ['Khánh Hoà'] },
  { code: '66', name: 'Đắk Lắk', aliases: ['Đăk Lăk', 'Dak Lak'] },
  { code: '68', name: 'Lâm Đồng' },
  { code: '75', name: 'Đồng Nai' },
  { code: '79', name: 'Hồ Chí Minh', aliases: ['TP HCM', 'TP. HCM', 'TPHCM', 'HCM', 'Sài Gòn'] },
  { code: '80', name: 'Tây Ninh' },
  { code: '82', name: 'Đồng Tháp' },
  { code: '86', name: 'Vĩnh Long' },
  { code: '91', name: 'An Giang' },
  { code: '92', name: 'Cần Thơ' },
  { code: '96', name: 'Cà Mau' },
];

const folded = PROVINCES.flatMap((p) =>
  [p.name, ...(p.aliases ?? [])].map((n) => ({
    code: p.code,
    key: foldVietnamese(n)
      .replace(/[^a-z0-9]+/g, ' ')
      .trim(),
  })),
);

/**
 * The province an address ends in ("…, phường Bến Thành, Thành phố Hồ Chí Minh" → 79), read from
 * its last comma-separated part (then the one before), or null when none is named.
 */
export function provinceOf(address: string | null | undefined): string | null {
  const parts = (address ?? '').split(',').map((s) =>
    foldVietnamese(s)
      .replace(/[^a-z0-9]+/g, ' ')
      .trim(),
  );
  for (const part of parts.reverse().slice(0, 2)) {
    const bare = part.replace(/^(thanh pho|tp|tinh)\s+/, '');
    const hit = folded.find((f) => bare === f.key || part === f.key);
    if (hit) return hit.code;
  }
  return null;
}

export const provinceName = (code: string) => PROVINCES.find((p) => p.code === code)?.name ?? code;
