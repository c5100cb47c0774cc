import sharp from 'sharp';
const C='/work/shared/corpus/photos/';
const srcs=['phones/apple-iphone11-IMG_5813.JPG','phones/google-pixel5-PXL_20210518_214224624.jpg','phones/samsung-SM-G965W.jpg','phones/xiaomi-mi9t.jpg','phones/hmd-nokia-8.3-5g.jpg','phones/huawei-LYA-AL00.jpg','phones/oppo-R7plusf.jpg','cameras/canon-eos1300d-18mp.jpg'];
for (const sigma of [0, 4, 8]) for (const s of srcs) {
  const t=performance.now();
  const m = await sharp(C+s).metadata();
  const land = m.width>=m.height;
  const W= land?4032:3024, H= land?3024:4032;
  let img = sharp(C+s).resize(W,H,{fit:'cover'}).linear([1.03,1,0.97],[2,0,-2]);
  if (sigma) {
    const noise = await sharp({create:{width:W,height:H,channels:3,background:'#808080',noise:{type:'gaussian',mean:128,sigma}}}).png({compressionLevel:0}).toBuffer();
    img = sharp(await img.raw().toBuffer(),{raw:{width:W,height:H,channels:3}}).composite([{input:noise,blend:'soft-light'}]);
  }
  const buf = await img.jpeg({quality:92}).withMetadata().toBuffer();
  console.log(sigma, s, (buf.length/1e6).toFixed(2), ((performance.now()-t)/1000).toFixed(2)+'s');
}
